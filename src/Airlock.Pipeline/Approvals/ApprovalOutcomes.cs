namespace Airlock.Pipeline;

/// <summary>What <see cref="ActionApprovals.ReviewAsync"/> decided: run the action now (an approval was used up), or hold it under <see cref="RequestId"/>.</summary>
public sealed record ReviewOutcome(string RequestId, bool Run, DateTimeOffset ExpiresAt);

/// <summary>What a wait came to: the outcome (run or held), the request's state then, and who decided it and why.</summary>
public sealed record WaitOutcome(ReviewOutcome Outcome, string State, string? DecidedBy, string? Comment);
