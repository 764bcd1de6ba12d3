// node-postgres through the Airlock gateway (run by NodePostgresThroughGatewayTests:
// node check.js PORT USER PASSWORD). Prints key=value lines.
'use strict';
const { Client } = require('pg');

async function main() {
  const [port, user, password] = process.argv.slice(2);
  const client = new Client({ host: '127.0.0.1', port: Number(port), user, password, database: 'demo', ssl: false, application_name: 'airlock-node-check' });
  await client.connect();
  try {
    // No parameters: the simple query protocol.
    const simple = await client.query("SELECT id, email, card_number FROM customers WHERE id <= 2 ORDER BY id");
    for (const row of simple.rows) {
      console.log(`simple=${row.id} ${row.email} ${row.card_number}`);
    }

    // Parameters: the extended protocol (Parse/Bind/Describe/Execute/Sync), unnamed and named statements.
    const parameterized = await client.query('SELECT id, email, ssn FROM customers WHERE id = $1', [1]);
    console.log(`parameterized=${parameterized.rows[0].id} ${parameterized.rows[0].email} ${parameterized.rows[0].ssn}`);
    for (let id = 1; id <= 3; id++) {
      const named = await client.query({ name: 'customer-by-id', text: 'SELECT id, full_name, email FROM customers WHERE id = $1', values: [id] });
      console.log(`named=${named.rows[0].id} ${named.rows[0].full_name} ${named.rows[0].email}`);
    }

    for (const sql of ['DROP TABLE orders', 'DELETE FROM orders WHERE id = 1']) {
      try {
        await client.query(sql);
        console.log('ran=' + sql);
      } catch (error) {
        console.log(`refused=${error.code} ${error.message}`);
      }
    }

    try {
      await client.query('DELETE FROM orders WHERE id = $1', [1]);
      console.log('ran=parameterized delete');
    } catch (error) {
      console.log(`refused=${error.code} ${error.message}`);
    }

    const count = await client.query('SELECT count(*)::int AS n FROM orders WHERE amount_cents > $1', [0]);
    console.log(`orders=${count.rows[0].n}`);
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.log(`failed=${error.code ?? ''} ${error.message}`);
  process.exitCode = 1;
});
