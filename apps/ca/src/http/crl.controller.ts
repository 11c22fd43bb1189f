import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CA_ADAPTER } from '../tokens.js';
import type { InternalCaService } from '../adapters/internal-ca-service.js';

/** Public, unauthenticated CA material: the CRL (PEM and DER) and the chain, as CRL distribution points expect. */
@Controller()
export class CrlController {
  constructor(@Inject(CA_ADAPTER) private readonly adapter: InternalCaService) {}

  @Get('crl.pem')
  async crlPem(@Res() res: Response): Promise<void> {
    res.type('application/x-pem-file').send((await this.adapter.crl()).pem);
  }

  @Get('crl.der')
  async crlDer(@Res() res: Response): Promise<void> {
    res.type('application/pkix-crl').send((await this.adapter.crl()).der);
  }

  @Get('chain.pem')
  async chain(@Res() res: Response): Promise<void> {
    res.type('application/x-pem-file').send((await this.adapter.caChain()).join(''));
  }

  @Get('healthz')
  health(): { status: string } {
    return { status: 'ok' };
  }
}
