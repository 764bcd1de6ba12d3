namespace Airlock.Gateway.Demo;

/// <summary>Name and place parts the demo data is made of: common names from many origins, so the sample looks like a real customer base.</summary>
internal static class DemoNames
{
    public static readonly string[] First =
    [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
        "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen",
        "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Sandra", "Mark", "Ashley", "Wei", "Emily",
        "Steven", "Kimberly", "Andrew", "Donna", "Priya", "Michelle", "Joshua", "Carol", "Kenji", "Amanda",
        "Kevin", "Melissa", "Brian", "Deborah", "Mohammed", "Stephanie", "Jose", "Rebecca", "Ryan", "Sharon",
        "Jacob", "Laura", "Gary", "Cynthia", "Nicholas", "Amy", "Eric", "Angela", "Jonathan", "Aisha",
        "Olga", "Lucas", "Sofia", "Mateo", "Chloe", "Arjun", "Fatima", "Noah", "Yuki", "Diego",
    ];

    public static readonly string[] Last =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
        "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
        "Chen", "Patel", "Kim", "Singh", "Tanaka", "Okafor", "Novak", "Kowalski", "Ivanova", "Haddad",
        "O'Brien", "Schmidt", "Rossi", "Dubois", "Silva", "Costa", "Murphy", "Cohen", "Yamamoto", "Ali",
    ];

    /// <summary>Reserved example domains (RFC 2606): addresses that look real and reach nobody.</summary>
    public static readonly string[] EmailDomains = ["example.com", "example.net", "example.org", "mail.example.com", "inbox.example.org"];

    /// <summary>NANP area codes in use (large US cities), so phone numbers look like the real thing.</summary>
    public static readonly int[] AreaCodes =
    [
        201, 202, 206, 212, 213, 214, 305, 310, 312, 313, 404, 415, 469, 503, 512, 602, 614, 617, 646, 702,
        713, 718, 720, 773, 801, 818, 832, 857, 917, 949,
    ];

    public static readonly string[] OrderStatuses = ["delivered", "shipped", "paid", "pending", "refunded", "cancelled"];

    /// <summary>Weights of <see cref="OrderStatuses"/>, in percent: most orders are done, a few went wrong.</summary>
    public static readonly int[] OrderStatusWeights = [45, 20, 15, 10, 5, 5];
}
