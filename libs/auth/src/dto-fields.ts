import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDefined, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { isPhoneNumber } from '@app/caregivers';
import { passwordRuleProblem } from './password.service';

/**
 * Validator + Swagger decorators that always travel together, with the contract's messages
 * (`"email" must be a valid email`, `password must be at least 8 characters`, …).
 */
const trim = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export function RequiredString(
  name: string,
  options: { example?: string; maxLength?: number; description?: string } = {},
): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example: options.example, maxLength: options.maxLength ?? 200, description: options.description }),
    IsDefined({ message: `"${name}" is required` }),
    IsString({ message: `"${name}" must be a string` }),
    IsNotEmpty({ message: `"${name}" is not allowed to be empty` }),
    MaxLength(options.maxLength ?? 200, { message: `"${name}" must be at most ${options.maxLength ?? 200} characters` }),
  );
}

export function OptionalString(
  name: string,
  options: { example?: string; maxLength?: number; description?: string; nullable?: boolean } = {},
): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      example: options.example,
      maxLength: options.maxLength ?? 500,
      description: options.description,
      nullable: options.nullable,
    }),
    IsOptional(),
    IsString({ message: `"${name}" must be a string` }),
    MaxLength(options.maxLength ?? 500, { message: `"${name}" must be at most ${options.maxLength ?? 500} characters` }),
  );
}

export function EmailField(name = 'email', required = true): PropertyDecorator {
  const email = IsEmail({}, { message: `"${name}" must be a valid email` });
  const max = MaxLength(254, { message: `"${name}" must be a valid email` });
  return required
    ? applyDecorators(
        ApiProperty({ format: 'email', example: 'ada@example.org' }),
        trim,
        IsDefined({ message: `"${name}" is required` }),
        email,
        max,
      )
    : applyDecorators(ApiPropertyOptional({ format: 'email' }), trim, IsOptional(), email, max);
}

/** The client's password rule, worded as the client shows it. */
export function PasswordField(name = 'password', required = true): PropertyDecorator {
  const rule = ValidateBy({
    name: 'passwordRule',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && passwordRuleProblem(value) === undefined,
      defaultMessage: (args) => (typeof args?.value === 'string' ? (passwordRuleProblem(args.value) ?? '') : `"${name}" must be a string`),
    },
  });
  return required
    ? applyDecorators(
        ApiProperty({
          minLength: 8,
          maxLength: 128,
          description: 'at least 8 characters with a letter and a digit; not a common password',
        }),
        IsDefined({ message: `"${name}" is required` }),
        rule,
      )
    : applyDecorators(ApiPropertyOptional({ minLength: 8, maxLength: 128 }), IsOptional(), rule);
}

export function PhoneField(name = 'phone', required = true): PropertyDecorator {
  const phone = ValidateBy({
    name: 'phone',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isPhoneNumber(value),
      defaultMessage: () => `"${name}" must be a valid phone number`,
    },
  });
  return required
    ? applyDecorators(ApiProperty({ example: '+16045550101' }), IsDefined({ message: `"${name}" is required` }), phone)
    : applyDecorators(ApiPropertyOptional({ example: '+16045550101' }), IsOptional(), phone);
}

export function OptionalBoolean(name: string, description?: string): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ description }), IsOptional(), IsBoolean({ message: `"${name}" must be a boolean` }));
}

export function OneOf(name: string, values: readonly string[], required = true): PropertyDecorator {
  const check = IsIn(values as string[], { message: `"${name}" must be one of [${values.join(', ')}]` });
  return required
    ? applyDecorators(ApiProperty({ enum: values }), IsDefined({ message: `"${name}" is required` }), check)
    : applyDecorators(ApiPropertyOptional({ enum: values }), IsOptional(), check);
}
