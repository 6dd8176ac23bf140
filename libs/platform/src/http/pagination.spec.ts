import { ValidationError } from '../errors/domain-error';
import { pageRequest, parseSort, toPage } from './pagination';

describe('pagination helpers', () => {
  it('defaults to page 1 of 10', () => {
    expect(pageRequest({})).toEqual({ page: 1, limit: 10, offset: 0 });
  });

  it('clamps limit to 1..100 and page to ≥ 1', () => {
    expect(pageRequest({ limit: 1_000_000 }).limit).toBe(100);
    expect(pageRequest({ limit: 0 }).limit).toBe(1);
    expect(pageRequest({ limit: -5 }).limit).toBe(1);
    expect(pageRequest({ page: -3 }).page).toBe(1);
    expect(pageRequest({ page: 3, limit: 20 })).toEqual({ page: 3, limit: 20, offset: 40 });
  });

  it('parses sortBy terms against the allowed fields', () => {
    expect(parseSort('name:desc,createdAt', ['name', 'createdAt'] as const, [])).toEqual([
      { field: 'name', direction: 'desc' },
      { field: 'createdAt', direction: 'asc' },
    ]);
    expect(parseSort(undefined, ['name'] as const, [{ field: 'name', direction: 'asc' }])).toEqual([{ field: 'name', direction: 'asc' }]);
  });

  it('rejects sorting by a field that is not allowed (e.g. a secret or encrypted column)', () => {
    expect(() => parseSort('passwordHash:asc', ['name'] as const, [])).toThrow(ValidationError);
    expect(() => parseSort('passwordHash:asc', ['name'] as const, [])).toThrow(
      'sortBy field "passwordHash" is not allowed; use one of name',
    );
  });

  it('builds the contract envelope', () => {
    expect(toPage(['a', 'b'], 21, { page: 2, limit: 10, offset: 10 })).toEqual({
      results: ['a', 'b'],
      page: 2,
      limit: 10,
      totalPages: 3,
      totalResults: 21,
    });
    expect(toPage([], 0, { page: 1, limit: 10, offset: 0 }).totalPages).toBe(0);
  });
});
