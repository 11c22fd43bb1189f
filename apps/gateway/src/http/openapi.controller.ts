import { Controller, Get } from '@nestjs/common';
import { ACTIONS } from '@powernode/contracts';
import { GATEWAY_VERSION } from '../runtime.js';
import { buildOpenApiDocument } from './openapi.js';

@Controller()
export class OpenApiController {
  private readonly document = buildOpenApiDocument(ACTIONS, GATEWAY_VERSION);

  @Get('openapi.json')
  openapi(): unknown {
    return this.document;
  }
}
