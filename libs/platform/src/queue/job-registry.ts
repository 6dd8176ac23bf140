import { Injectable } from '@nestjs/common';
import type { JobDefinition, JobName } from './jobs';
import { JobWiringError } from './queue.errors';

/** Every job definition the loaded modules declared (via `QueueModule.forFeature`). */
@Injectable()
export class JobRegistry {
  private readonly definitions = new Map<string, JobDefinition>();

  register(definitions: readonly JobDefinition[]): void {
    for (const definition of definitions) {
      const existing = this.definitions.get(definition.name);
      if (existing && existing !== definition) throw new JobWiringError(`job "${String(definition.name)}" is defined twice`);
      this.definitions.set(definition.name, definition);
    }
  }

  get(name: JobName): JobDefinition {
    const definition = this.definitions.get(name);
    if (!definition) throw new JobWiringError(`job "${String(name)}" is not defined (add it to QueueModule.forFeature)`);
    return definition;
  }

  all(): JobDefinition[] {
    return [...this.definitions.values()];
  }

  queues(): string[] {
    return [...new Set(this.all().map((d) => d.queue))];
  }
}
