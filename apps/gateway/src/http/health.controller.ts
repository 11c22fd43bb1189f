import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ServiceRuntime } from '@powernode/service-runtime';

/** Liveness and readiness for supervisors and load balancers; needs no token. */
@Controller()
export class HealthController {
  constructor(@Inject(ServiceRuntime) private readonly runtime: ServiceRuntime<never>) {}

  @Get('healthz')
  async health(@Res() res: Response): Promise<void> {
    const nats = !this.runtime.nc.isClosed();
    const postgres = await this.runtime.db.query('SELECT 1').then(() => true, () => false);
    res.status(nats && postgres ? 200 : 503).json({ status: nats && postgres ? 'ok' : 'degraded', nats, postgres });
  }
}
