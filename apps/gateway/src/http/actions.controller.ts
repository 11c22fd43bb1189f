import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { findAction, platformActions } from '@powernode/contracts';
import type { Request, Response } from 'express';
import { ActionInvoker } from '../actions/action-invoker.js';
import { callContextOf } from './request-context.js';
import { serveSse } from './sse.js';

/** `POST /api/v1/actions/<name>`: one route for every action in the table. */
@Controller('api/v1')
export class ActionsController {
  constructor(@Inject(ActionInvoker) private readonly invoker: ActionInvoker) {}

  @Post('actions/:name')
  async run(@Param('name') name: string, @Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const caller = await this.invoker.authenticate(req.header('authorization'));
    if (findAction(name)?.streaming) return serveSse(this.invoker, name, body, caller, req, res);
    res.status(200).json(await this.invoker.invoke(name, body, caller, callContextOf(req)));
  }

  /** Convenience for `curl -N`: the event watch as a GET with a query string. */
  @Get('events/watch')
  async watch(@Query('kind_prefix') kindPrefix: string | undefined, @Req() req: Request, @Res() res: Response): Promise<void> {
    const caller = await this.invoker.authenticate(req.header('authorization'));
    await serveSse(this.invoker, platformActions.watchEvents.name, kindPrefix ? { kind_prefix: kindPrefix } : {}, caller, req, res);
  }
}
