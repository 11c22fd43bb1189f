// The private servers themselves: a PostgreSQL cluster of a test's own keeps a committed row through a crash
// (`pg_ctl stop -m immediate`, recovery from the WAL) and takes connections again on the same port.
import { DataSource } from 'typeorm';
import { PrivatePostgres } from './private-servers.js';

describe(PrivatePostgres.name, () => {
  let pg: PrivatePostgres;
  beforeAll(async () => {
    pg = await PrivatePostgres.start();
  }, 60_000);
  afterAll(async () => {
    await pg?.destroy();
  }, 60_000);

  it('keeps a committed row through a crash and restart, on the same URL', async () => {
    const write = new DataSource({ type: 'postgres', url: pg.url });
    await write.initialize();
    await write.query('CREATE TABLE kept (id int PRIMARY KEY, note text)');
    await write.query(`INSERT INTO kept VALUES (1, 'before the crash')`);
    await write.destroy();

    await pg.restart();

    const read = new DataSource({ type: 'postgres', url: pg.url });
    await read.initialize();
    try {
      expect(await read.query('SELECT id, note FROM kept')).toEqual([{ id: 1, note: 'before the crash' }]);
    } finally {
      await read.destroy();
    }
  }, 60_000);
});
