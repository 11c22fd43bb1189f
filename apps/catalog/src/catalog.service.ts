import { InstanceService } from './instance/instance.service.js';
import { ModuleService } from './module/module.service.js';
import type { CatalogRuntime } from './runtime.js';
import { TemplateService } from './template/template.service.js';

/** The catalog's use cases, one service per aggregate. */
export class CatalogService {
  readonly modules: ModuleService;
  readonly templates: TemplateService;
  readonly instances: InstanceService;

  constructor(runtime: CatalogRuntime) {
    this.modules = new ModuleService(runtime);
    this.templates = new TemplateService(runtime, this.modules);
    this.instances = new InstanceService(runtime, this.templates);
  }
}
