"""psycopg 3 through the Airlock gateway (run by PsycopgThroughGatewayTests with Debian's /usr/bin/python3:
check.py PORT USER PASSWORD). Prints key=value lines."""
import sys

import psycopg
from psycopg import errors


def main(port: str, user: str, password: str) -> None:
    with psycopg.connect(host="127.0.0.1", port=port, user=user, password=password, dbname="demo",
                         sslmode="disable", application_name="airlock-psycopg-check", autocommit=True) as conn:
        print(f"psycopg={psycopg.__version__}")
        with conn.cursor() as cur:
            # %s placeholders are bound by the server (extended protocol); from the sixth run
            # (prepare_threshold) the statement is prepared by name.
            for customer in range(1, 8):
                cur.execute("SELECT id, email, card_number FROM customers WHERE id = %s", (customer,))
                row = cur.fetchone()
                print(f"row={row[0]} {row[1]} {row[2]}")

            # Binary results: the gateway masks text values in binary format too.
            cur.execute("SELECT email, ssn FROM customers WHERE id = %s", (1,), binary=True)
            print("binary={} {}".format(*cur.fetchone()))

            try:
                cur.execute("DROP TABLE orders")
                print("dropped=yes")
            except errors.InsufficientPrivilege as error:
                print(f"denied={error.sqlstate} {error.diag.message_primary}")

            try:
                cur.execute("UPDATE orders SET status = %s WHERE id = %s", ("refunded", 5))
                print("updated=yes")
            except errors.InsufficientPrivilege as error:
                print(f"held={error.sqlstate} {error.diag.message_primary}")

            cur.execute("SELECT count(*) FROM orders WHERE status = %s", ("paid",))
            print(f"paid={cur.fetchone()[0]}")

        # A transaction: psycopg's own BEGIN/COMMIT around the statements.
        with conn.transaction():
            print("in_transaction={}".format(conn.execute("SELECT ssn FROM customers WHERE id = %s", (2,)).fetchone()[0]))


if __name__ == "__main__":
    main(*sys.argv[1:4])
