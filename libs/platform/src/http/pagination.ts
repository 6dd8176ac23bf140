import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { ValidationError } from '../errors/domain-error';

export const DEFAULT_PAGE_LIMIT = 10;
export const MAX_PAGE_LIMIT = 100;

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * `page`, `limit`, `sortBy=field:asc|desc[,field:dir]` — the contract's list query. Extend it with
 * the endpoint's own exact-match filters. `limit` is clamped to 1..100 rather than rejected.
 */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'page must be an integer' })
  @Min(1, { message: 'page must be at least 1' })
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT, description: 'clamped to 1..100' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'limit must be an integer' })
  limit?: number;

  @ApiPropertyOptional({ example: 'createdAt:desc', description: 'comma-separated field:asc|desc' })
  @IsOptional()
  @Matches(/^[A-Za-z][A-Za-z0-9_]*(:(asc|desc))?(,[A-Za-z][A-Za-z0-9_]*(:(asc|desc))?)*$/, {
    message: 'sortBy must look like field:asc or field:desc (comma-separated)',
  })
  sortBy?: string;
}

export interface PageRequest {
  page: number;
  limit: number;
  offset: number;
}

export interface Page<T> {
  results: T[];
  page: number;
  limit: number;
  totalPages: number;
  totalResults: number;
}

export interface SortTerm<F extends string> {
  field: F;
  direction: 'asc' | 'desc';
}

export function pageRequest(query: Pick<PageQueryDto, 'page' | 'limit'>): PageRequest {
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_PAGE_LIMIT, 1), MAX_PAGE_LIMIT);
  const page = Math.max(query.page ?? 1, 1);
  return { page, limit, offset: (page - 1) * limit };
}

/** Parses `sortBy` against the fields an endpoint allows; an unknown field is a 400, not ignored. */
export function parseSort<F extends string>(sortBy: string | undefined, allowed: readonly F[], fallback: SortTerm<F>[]): SortTerm<F>[] {
  if (!sortBy) return fallback;
  return sortBy.split(',').map((term) => {
    const [field, direction = 'asc'] = term.split(':');
    if (!(allowed as readonly string[]).includes(field ?? '')) {
      throw new ValidationError(`sortBy field "${field}" is not allowed; use one of ${allowed.join(', ')}`);
    }
    return { field: field as F, direction: direction === 'desc' ? 'desc' : 'asc' };
  });
}

export function toPage<T>(results: T[], totalResults: number, request: PageRequest): Page<T> {
  return {
    results,
    page: request.page,
    limit: request.limit,
    totalPages: Math.ceil(totalResults / request.limit),
    totalResults,
  };
}
