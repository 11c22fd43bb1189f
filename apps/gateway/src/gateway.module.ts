import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from '@powernode/service-kit';
import { ActionInvoker } from './actions/action-invoker.js';
import { ActionsController } from './http/actions.controller.js';
import { HealthController } from './http/health.controller.js';
import { OpenApiController } from './http/openapi.controller.js';
import { PlatformErrorFilter } from './http/platform-error.filter.js';
import { McpController } from './mcp/mcp.controller.js';
import { ServiceRuntime } from '@powernode/service-runtime';
import type { GatewayRuntime } from './runtime.js';
import { LOGGER } from './tokens.js';

/** The gateway's HTTP surface. Everything it needs is built before Nest starts and passed in. */
@Module({})
export class GatewayModule {
  static register(deps: { runtime: GatewayRuntime; invoker: ActionInvoker; logger: Logger }): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [ActionsController, McpController, OpenApiController, HealthController],
      providers: [
        { provide: ServiceRuntime, useValue: deps.runtime },
        { provide: ActionInvoker, useValue: deps.invoker },
        { provide: LOGGER, useValue: deps.logger },
        { provide: APP_FILTER, useFactory: () => new PlatformErrorFilter(deps.logger) },
      ],
    };
  }
}
