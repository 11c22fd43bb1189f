#!/usr/bin/env node
// A watcher that needs nothing of Powernode's: a plain NATS subscriber printing every docker event.
//   node examples/watch-events.mjs [subject]        (default subject: system.docker.>)
// Each message on system.<context>.<aggregate>.<id> is one commit: {commit_id, aggregate_id, events: [envelope…]}.
import { connect } from '@nats-io/transport-node';

const subject = process.argv[2] ?? 'system.docker.>';
const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
process.on('SIGINT', () => nc.drain().then(() => process.exit(0)));
process.on('SIGTERM', () => nc.drain().then(() => process.exit(0)));

for await (const msg of nc.subscribe(subject)) {
  const commit = msg.json();
  for (const event of commit.events) {
    console.log(JSON.stringify({ subject: msg.subject, kind: event.kind, aggregate_id: event.aggregate_id, version: event.aggregate_version, actor: event.actor, data: event.data }));
  }
}
