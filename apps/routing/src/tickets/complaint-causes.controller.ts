import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ComplaintCausesView } from '@handoff/contracts';
import { Allow, CONFIG } from '@handoff/platform';
import { ROUTING_READERS } from '../access';
import type { RoutingConfig } from '../config';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('v1/complaint-causes')
export class ComplaintCausesController {
  constructor(@Inject(CONFIG) private readonly config: RoutingConfig) {}

  @Get()
  @Allow(...ROUTING_READERS)
  @ApiOperation({
    summary:
      "The complaint cause taxonomy (COMPLAINT_CAUSES_FILE): the codes a complaint's result names one of, each with its English and Chinese label.",
  })
  causes(): ComplaintCausesView {
    return { causes: this.config.COMPLAINT_CAUSES_FILE.causes };
  }
}
