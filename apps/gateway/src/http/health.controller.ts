import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { GatewayRuntime } from '../runtime.js';

/** Liveness and readiness for supervisors and load balancers; needs no token. */
@Controller()
export class HealthController {
  constructor(@Inject(GatewayRuntime) private readonly runtime: GatewayRuntime) {}

  @Get('healthz')
  async health(@Res() res: Response): Promise<void> {
    const nats = !this.runtime.nc.isClosed();
    const postgres = await this.runtime.db.query('SELECT 1').then(() => true, () => false);
    res.status(nats && postgres ? 200 : 503).json({ status: nats && postgres ? 'ok' : 'degraded', nats, postgres });
  }
}
