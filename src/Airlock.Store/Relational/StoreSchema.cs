namespace Airlock.Store.Relational;

/// <summary>
/// The schema, version by version, written once for both backends. SQLite accepts PostgreSQL's type names
/// (bigint has integer affinity, text has text affinity); the few real differences are placeholders:
/// <c>{rowid}</c> (SQLite's INTEGER PRIMARY KEY is the row id, which makes appends cheaper), <c>{blob}</c> and
/// <c>{zero_hash}</c>. Released versions are never edited: add a new one.
/// </summary>
internal static class StoreSchema
{
    public static IReadOnlyList<StoreMigration> For(StoreKind kind)
    {
        var (rowid, blob, zeroHash, auditIndexes) = kind == StoreKind.Sqlite
            ? ("INTEGER PRIMARY KEY", "BLOB", "zeroblob(32)", SqliteAuditIndexes)
            : ("bigint PRIMARY KEY", "bytea", "decode(repeat('00', 32), 'hex')", PostgresAuditIndexes);
        return [.. Versions.Select(m => m with
        {
            Sql = m.Sql.Replace("{rowid}", rowid, StringComparison.Ordinal).Replace("{blob}", blob, StringComparison.Ordinal)
                .Replace("{zero_hash}", zeroHash, StringComparison.Ordinal).Replace("{audit_indexes}", auditIndexes, StringComparison.Ordinal),
        })];
    }

    /// <summary>
    /// No secondary indexes on SQLite's audit_events: each one is another page written to the WAL on every
    /// append, and the append is on every action's path (measured: a one-row commit 26 µs with three
    /// indexes, 16 µs without; docs/benchmarks.md). Search on SQLite scans in sequence order instead.
    /// </summary>
    private const string SqliteAuditIndexes = "-- (no secondary indexes: see StoreSchema)";

    /// <summary>PostgreSQL pays a round trip per append anyway; its indexes keep search fast on shared, large trails.</summary>
    private const string PostgresAuditIndexes = """
        CREATE INDEX audit_events_time ON audit_events (time);
        CREATE INDEX audit_events_user ON audit_events (user_name, seq);
        CREATE INDEX audit_events_resource ON audit_events (resource, seq);
        """;

    private static IReadOnlyList<StoreMigration> Versions { get; } =
    [
        new(1, "audit trail and gateway state", """
            CREATE TABLE audit_events (
                seq         {rowid},
                time        bigint NOT NULL,
                kind        text NOT NULL,
                user_name   text,
                resource    text,
                decision    text,
                session_id  text,
                body        {blob} NOT NULL,
                hash        {blob} NOT NULL
            );
            {audit_indexes}

            CREATE TABLE audit_checkpoints (
                id          {rowid},
                seq         bigint NOT NULL,
                head_hash   {blob} NOT NULL,
                time        bigint NOT NULL,
                key_id      text NOT NULL,
                signature   {blob} NOT NULL
            );

            CREATE TABLE audit_head (
                id              integer PRIMARY KEY CHECK (id = 1),
                seq             bigint NOT NULL,
                hash            {blob} NOT NULL,
                checkpoint_id   bigint NOT NULL,
                checkpoint_seq  bigint NOT NULL,
                checkpoint_time bigint NOT NULL
            );
            INSERT INTO audit_head VALUES (1, 0, {zero_hash}, 0, 0, 0);

            CREATE TABLE sessions (
                id                text PRIMARY KEY,
                user_name         text NOT NULL,
                resource          text NOT NULL,
                client_address    text,
                application       text,
                instance          text NOT NULL,
                started_at        bigint NOT NULL,
                ended_at          bigint,
                end_reason        text,
                kill_requested_at bigint,
                kill_requested_by text
            );
            CREATE INDEX sessions_open ON sessions (ended_at, started_at);

            CREATE TABLE approval_requests (
                id              text PRIMARY KEY,
                kind            text NOT NULL,
                requester       text NOT NULL,
                resource        text NOT NULL,
                action_digest   text,
                action_summary  text,
                grant_name      text,
                reason          text,
                rule            text NOT NULL,
                policy_revision text NOT NULL,
                state           text NOT NULL,
                created_at      bigint NOT NULL,
                expires_at      bigint NOT NULL,
                decided_at      bigint,
                decided_by      text,
                comment         text
            );
            CREATE INDEX approval_requests_state ON approval_requests (state, created_at);

            CREATE TABLE approval_votes (
                request_id  text NOT NULL REFERENCES approval_requests (id),
                approver    text NOT NULL,
                verdict     text NOT NULL,
                comment     text,
                at          bigint NOT NULL,
                PRIMARY KEY (request_id, approver)
            );

            CREATE TABLE grants (
                id           text PRIMARY KEY,
                user_name    text NOT NULL,
                grant_name   text NOT NULL,
                resource     text,
                approval_id  text,
                valid_from   bigint NOT NULL,
                valid_until  bigint NOT NULL,
                revoked_at   bigint,
                revoked_by   text
            );
            CREATE INDEX grants_user ON grants (user_name, valid_until);

            CREATE TABLE api_tokens (
                id          text PRIMARY KEY,
                name        text NOT NULL,
                user_name   text NOT NULL,
                hash        {blob} NOT NULL UNIQUE,
                scopes      text NOT NULL,
                created_at  bigint NOT NULL,
                expires_at  bigint,
                revoked_at  bigint
            );

            CREATE TABLE policy_revisions (
                revision    text PRIMARY KEY,
                git_commit  text,
                source      text NOT NULL,
                loaded_at   bigint NOT NULL,
                files       {blob} NOT NULL
            );
            """),
        new(2, "approval requests found by their exact action; access requests' durations and grants' reasons", """
            CREATE INDEX approval_requests_action ON approval_requests (action_digest, requester, resource);
            ALTER TABLE approval_requests ADD COLUMN duration_seconds bigint;
            ALTER TABLE grants ADD COLUMN reason text;
            """),
        new(3, "Airlock session tokens from airlock login; TOTP step-ups shared between gateways; tokens found by revocation time; votes keep the voter's IdP groups", """
            CREATE TABLE login_tokens (
                id          text PRIMARY KEY,
                user_name   text NOT NULL,
                hash        {blob} NOT NULL UNIQUE,
                idp_groups  text NOT NULL,
                mfa_at      bigint,
                issuer      text NOT NULL,
                subject     text,
                created_at  bigint NOT NULL,
                expires_at  bigint NOT NULL,
                revoked_at  bigint
            );
            CREATE INDEX login_tokens_user ON login_tokens (user_name, created_at);
            CREATE INDEX login_tokens_revoked ON login_tokens (revoked_at);
            CREATE INDEX api_tokens_revoked ON api_tokens (revoked_at);
            ALTER TABLE approval_votes ADD COLUMN idp_groups text;

            CREATE TABLE mfa_stepups (
                user_name    text PRIMARY KEY,
                verified_at  bigint NOT NULL,
                step         bigint NOT NULL
            );
            """),
        new(4, "approval requests keep the exact text and its structure for their deciders; one pending request per exact action; TOTP failure budgets shared between gateways", """
            ALTER TABLE approval_requests ADD COLUMN exact_text text;
            ALTER TABLE approval_requests ADD COLUMN exact_parameters text;
            ALTER TABLE approval_requests ADD COLUMN structure text;

            -- Older builds made duplicates; the newest pending one stays, the others expire (issue 14, class I).
            UPDATE approval_requests SET state = 'expired'
             WHERE state = 'pending' AND action_digest IS NOT NULL
               AND EXISTS (SELECT 1 FROM approval_requests newer
                            WHERE newer.state = 'pending' AND newer.requester = approval_requests.requester
                              AND newer.resource = approval_requests.resource AND newer.action_digest = approval_requests.action_digest
                              AND (newer.created_at > approval_requests.created_at
                                   OR (newer.created_at = approval_requests.created_at AND newer.id > approval_requests.id)));
            CREATE UNIQUE INDEX approval_requests_pending_once ON approval_requests (requester, resource, action_digest) WHERE state = 'pending';
            CREATE INDEX approval_requests_requester ON approval_requests (requester, state);

            CREATE TABLE mfa_failures (
                user_name     text PRIMARY KEY,
                failures      bigint NOT NULL,
                window_start  bigint NOT NULL,
                not_before    bigint,
                locked_until  bigint,
                version       bigint NOT NULL
            );
            """),
    ];
}
