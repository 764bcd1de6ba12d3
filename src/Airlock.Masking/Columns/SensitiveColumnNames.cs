namespace Airlock.Masking.Columns;

/// <summary>
/// Column names that mark a column as sensitive whatever its values look like. Matched on the whole
/// name and on its <c>_</c>-separated words, so <c>billing_email</c> and <c>customer_ssn</c> count too.
/// </summary>
public static class SensitiveColumnNames
{
    private static readonly Dictionary<string, string> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["email"] = "email", ["email_address"] = "email", ["e_mail"] = "email",
        ["ssn"] = "ssn", ["social_security_number"] = "ssn", ["national_id"] = "ssn", ["tax_id"] = "ssn",
        ["card_number"] = "card", ["credit_card"] = "card", ["cc_number"] = "card", ["pan"] = "card", ["card"] = "card",
        ["iban"] = "iban", ["account_number"] = "iban", ["routing_number"] = "aba_routing",
        ["password"] = "secret", ["passwd"] = "secret", ["password_hash"] = "secret", ["secret"] = "secret",
        ["token"] = "secret", ["api_key"] = "secret", ["access_token"] = "secret", ["refresh_token"] = "secret",
        ["dob"] = "date_of_birth", ["date_of_birth"] = "date_of_birth", ["birth_date"] = "date_of_birth", ["birthdate"] = "date_of_birth",
        ["phone"] = "phone", ["phone_number"] = "phone", ["mobile"] = "phone", ["telephone"] = "phone",
        ["address"] = "address", ["street_address"] = "address", ["street"] = "address", ["postal_address"] = "address",
        ["full_name"] = "person_name", ["first_name"] = "person_name", ["last_name"] = "person_name", ["surname"] = "person_name",
        ["ip_address"] = "ip_address", ["ip"] = "ip_address",
    };

    /// <summary>The entity type a column name implies, or null when the name says nothing.</summary>
    public static string? Classify(string columnName)
    {
        if (ByName.TryGetValue(columnName, out var entity))
        {
            return entity;
        }

        // Longest suffix of words first: customer_email_address → email_address → email.
        var words = columnName.Split('_', StringSplitOptions.RemoveEmptyEntries);
        for (var start = 1; start < words.Length; start++)
        {
            if (ByName.TryGetValue(string.Join('_', words[start..]), out entity))
            {
                return entity;
            }
        }

        foreach (var word in words)
        {
            if (ByName.TryGetValue(word, out entity) && word.Length > 3)
            {
                return entity;
            }
        }

        return null;
    }
}
