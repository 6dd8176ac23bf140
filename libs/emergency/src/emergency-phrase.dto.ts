import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '@app/platform';
import { CATEGORIES, SEVERITIES } from './alert.table';
import { PHRASE_LANGUAGES } from './emergency-phrase.table';

const oneOf = (name: string, values: readonly string[]) =>
  IsIn(values as string[], { message: `"${name}" must be one of [${values.join(', ')}]` });
const bool = Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

export class CreatePhraseDto {
  @ApiProperty({ maxLength: 200 })
  @IsDefined({ message: '"phrase" is required' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  phrase!: string;
  @ApiProperty({ enum: PHRASE_LANGUAGES })
  @IsDefined({ message: '"language" is required' })
  @oneOf('language', PHRASE_LANGUAGES)
  language!: string;
  @ApiProperty({ enum: SEVERITIES }) @IsDefined({ message: '"severity" is required' }) @oneOf('severity', SEVERITIES) severity!: string;
  @ApiProperty({ enum: CATEGORIES }) @IsDefined({ message: '"category" is required' }) @oneOf('category', CATEGORIES) category!: string;
  @ApiProperty({ maxLength: 500, description: 'regular expression source (case-insensitive)' })
  @IsDefined({ message: '"pattern" is required' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  pattern!: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) description?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() isActive?: boolean;
  @ApiPropertyOptional({ description: 'key of the built-in default this row overrides (e.g. en.3)' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  overridesDefault?: string;
}

export class UpdatePhraseDto {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) phrase?: string;
  @ApiPropertyOptional({ enum: PHRASE_LANGUAGES }) @IsOptional() @oneOf('language', PHRASE_LANGUAGES) language?: string;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @oneOf('severity', SEVERITIES) severity?: string;
  @ApiPropertyOptional({ enum: CATEGORIES }) @IsOptional() @oneOf('category', CATEGORIES) category?: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500) pattern?: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) description?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() isActive?: boolean;
}

export class PhraseListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: PHRASE_LANGUAGES }) @IsOptional() @oneOf('language', PHRASE_LANGUAGES) language?: string;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @oneOf('severity', SEVERITIES) severity?: string;
  @ApiPropertyOptional({ enum: CATEGORIES }) @IsOptional() @oneOf('category', CATEGORIES) category?: string;
  @ApiPropertyOptional() @IsOptional() @bool @IsBoolean({ message: '"isActive" must be a boolean' }) isActive?: boolean;
}

export class TestPatternDto {
  @ApiProperty({ maxLength: 500 }) @IsDefined({ message: '"pattern" is required' }) @IsString() @MaxLength(500) pattern!: string;
  @ApiProperty({ maxLength: 1000 }) @IsDefined({ message: '"testText" is required' }) @IsString() @MaxLength(1000) testText!: string;
}

export class PhraseResponse {
  @ApiProperty({ description: 'uuid, or `default:<key>` for a built-in' }) id!: string;
  @ApiProperty() _id!: string;
  @ApiProperty() phrase!: string;
  @ApiProperty({ enum: PHRASE_LANGUAGES }) language!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ enum: CATEGORIES }) category!: string;
  @ApiProperty() pattern!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() isActive!: boolean;
  @ApiProperty() builtIn!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) overridesDefault!: string | null;
  @ApiProperty() usageCount!: number;
}

export class PhrasePageResponse {
  @ApiProperty({ type: [PhraseResponse] }) results!: PhraseResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() totalPages!: number;
  @ApiProperty() totalResults!: number;
}

export class TestPatternResponse {
  @ApiProperty() isValid!: boolean;
  @ApiProperty() matches!: boolean;
  @ApiPropertyOptional({ nullable: true, type: Object }) matchDetails?: { match: string; index: number; input: string } | null;
  @ApiPropertyOptional() error?: string;
}
