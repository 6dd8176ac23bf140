import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { ValidationError } from '../errors/domain-error';

/** Path ids are UUIDs; anything else is a 400 with the parameter's name, never a 500. */
export function idPipe(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new ValidationError(`"${name}" must be a valid id`, 'InvalidId') });
}

/** `@IdParam('patientId') id: string` — validated path id plus its Swagger description. */
export function IdParam(name: string): ParameterDecorator {
  return Param(name, idPipe(name));
}

/** Swagger for a path id; pair with `@IdParam` on the handler's parameter. */
export function ApiIdParam(name: string): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiParam({ name, format: 'uuid', description: `${name} (UUID)` }));
}
