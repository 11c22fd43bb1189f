import { Module, type DynamicModule } from '@nestjs/common';
import type { InternalCaService } from './adapters/internal-ca-service.js';
import { CrlController } from './http/crl.controller.js';
import { CA_ADAPTER } from './tokens.js';

@Module({})
export class CaModule {
  static register(adapter: InternalCaService): DynamicModule {
    return { module: CaModule, controllers: [CrlController], providers: [{ provide: CA_ADAPTER, useValue: adapter }] };
  }
}
