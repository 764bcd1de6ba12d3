namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// The adversarial gateway plus objects that exist in real databases but alice cannot create through the
/// gateway (DDL is denied): functions that raise notices and errors quoting their arguments, a view over
/// customers, and a function that opens a cursor (a refcursor) the gateway never sees declared.
/// </summary>
public sealed class ErrorLeakHarness : AdversarialHarness
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Cluster.RunPsqlAsync("demo", """
            CREATE FUNCTION shout(t text) RETURNS text LANGUAGE plpgsql AS $$
              BEGIN RAISE NOTICE 'looking at %', t; RAISE WARNING 'still looking at %', t USING DETAIL = 'detail ' || t, HINT = 'hint ' || t; RETURN 'seen'; END $$;
            CREATE FUNCTION ratio(t text) RETURNS int LANGUAGE plpgsql AS $$
              DECLARE r int; BEGIN EXECUTE 'SELECT length(' || quote_literal(t) || ') / 0' INTO r; RETURN r; END $$;
            CREATE FUNCTION peek() RETURNS int LANGUAGE sql AS $$ SELECT string_agg(full_name || ssn, ',')::int FROM customers $$;
            CREATE FUNCTION open_cursor() RETURNS refcursor LANGUAGE plpgsql AS $$
              DECLARE c refcursor := 'fn_cursor'; BEGIN OPEN c FOR SELECT ssn || '' AS s, card_number || '' AS k FROM customers ORDER BY id DESC; RETURN c; END $$;
            CREATE VIEW customer_names AS SELECT id, full_name, ssn FROM customers;
            """);
    }
}
