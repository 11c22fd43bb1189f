// One process of the fleet simulator: started by FleetWorkers (bench/fleet/fleet-workers.ts) with `fork`,
// told its hosts over IPC, and reporting its status back every second until told to stop.
import { FleetSimulator, type FleetStatus, type SimulatedHost } from './fleet-simulator.js';

export type WorkerCommand =
  | { type: 'start'; platformUrl: string; stateRoot: string; overlays: string[]; hosts: SimulatedHost[]; rampPerSecond?: number }
  | { type: 'stop' };

export type WorkerReport = { type: 'status'; status: FleetStatus } | { type: 'stopped' };

let simulator: FleetSimulator | undefined;
let reporter: NodeJS.Timeout | undefined;
const send = (report: WorkerReport) => process.send?.(report);

process.on('message', (command: WorkerCommand) => {
  if (command.type === 'start') {
    const overlays = new Set(command.overlays.map((a) => a.toLowerCase()));
    simulator = new FleetSimulator({
      platformUrl: new URL(command.platformUrl),
      stateRoot: command.stateRoot,
      link: { has: (address) => overlays.has(address.toLowerCase()) },
      ...(command.rampPerSecond ? { rampPerSecond: command.rampPerSecond } : {}),
    });
    void simulator.start(command.hosts);
    reporter = setInterval(() => simulator && send({ type: 'status', status: simulator.status() }), 1_000);
  } else {
    clearInterval(reporter);
    void (async () => {
      if (simulator) {
        send({ type: 'status', status: simulator.status() });
        await simulator.close().catch((error: unknown) => process.stderr.write(`sim-worker: ${String(error)}\n`));
      }
      send({ type: 'stopped' });
      process.disconnect?.();
    })();
  }
});
// The parent going away (killed bench) takes the fleet with it.
process.on('disconnect', () => setTimeout(() => process.exit(0), 5_000).unref());
