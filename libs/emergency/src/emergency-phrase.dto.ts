import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
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

/** Filters of the export (all optional, like the list's). */
export class PhraseExportQueryDto {
  @ApiPropertyOptional({ enum: PHRASE_LANGUAGES }) @IsOptional() @oneOf('language', PHRASE_LANGUAGES) language?: string;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @oneOf('severity', SEVERITIES) severity?: string;
  @ApiPropertyOptional({ enum: CATEGORIES }) @IsOptional() @oneOf('category', CATEGORIES) category?: string;
  @ApiPropertyOptional() @IsOptional() @bool @IsBoolean({ message: '"isActive" must be a boolean' }) isActive?: boolean;
}

export class PhraseStatisticsQueryDto {
  @ApiPropertyOptional({ enum: PHRASE_LANGUAGES }) @IsOptional() @oneOf('language', PHRASE_LANGUAGES) language?: string;
}

/**
 * Items are checked one by one (like POST /emergency-phrases), so one bad item is reported in
 * `errors` instead of failing the whole import.
 */
export class BulkImportPhrasesDto {
  @ApiProperty({ type: [CreatePhraseDto], minItems: 1, maxItems: 1000 })
  @IsDefined({ message: '"phrases" is required' })
  @IsArray({ message: '"phrases" must be an array' })
  @ArrayMinSize(1, { message: '"phrases" must contain at least 1 items' })
  @ArrayMaxSize(1000, { message: '"phrases" must contain less than or equal to 1000 items' })
  phrases!: unknown[];
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

export class PhraseImportError {
  @ApiProperty({ description: 'position in `phrases`' }) index!: number;
  @ApiProperty({ nullable: true, type: String, description: 'the item’s `phrase`, when it is a string' }) phrase!: string | null;
  @ApiProperty() error!: string;
}

export class BulkImportResponse {
  @ApiProperty({ type: [PhraseResponse], description: 'the phrases stored, in input order' }) success!: PhraseResponse[];
  @ApiProperty({ type: [PhraseImportError] }) errors!: PhraseImportError[];
  @ApiProperty({ description: 'number of items received' }) total!: number;
}

/** One exported phrase: the create shape, so an export file can be fed back to bulk-import. */
export class PhraseExportItem {
  @ApiProperty() phrase!: string;
  @ApiProperty({ enum: PHRASE_LANGUAGES }) language!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ enum: CATEGORIES }) category!: string;
  @ApiProperty() pattern!: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty() isActive!: boolean;
  @ApiPropertyOptional() overridesDefault?: string;
}

export class PhraseUsage {
  @ApiProperty() phrase!: string;
  @ApiProperty({ enum: PHRASE_LANGUAGES }) language!: string;
  @ApiProperty() usageCount!: number;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ enum: CATEGORIES }) category!: string;
}

export class PhraseStatisticsResponse {
  @ApiProperty() totalPhrases!: number;
  @ApiProperty() activePhrases!: number;
  @ApiProperty() totalUsage!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { en: 3 } }) byLanguage!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { HIGH: 2 } }) bySeverity!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { Medical: 1 } }) byCategory!: Record<string, number>;
  @ApiProperty({ type: [PhraseUsage], description: 'top 10 by usage' }) mostUsed!: PhraseUsage[];
}
