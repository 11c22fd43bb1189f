// Test fixture for scripts/replicas.mjs: an HTTP server on REPLICA_ECHO_PORT (0: any free port, shared by every
// cluster worker) that answers `{"replica":"<POWERNODE_REPLICA>","pid":<pid>,"remote":"<peer address>"}`.
// It prints `listening <port>` once bound and exits 0 on SIGTERM/SIGINT after closing the server.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify({ replica: process.env.POWERNODE_REPLICA, pid: process.pid, remote: req.socket.remoteAddress }));
});
server.listen(Number(process.env.REPLICA_ECHO_PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
