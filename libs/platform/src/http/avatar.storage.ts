import { Injectable, UseInterceptors, applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { FileInterceptor } from '@nestjs/platform-express';
import { AppConfig } from '../config/app-config';
import { ValidationError } from '../errors/domain-error';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

/** The image type from the file's first bytes (the declared type and name are not trusted). */
export function sniffImage(data: Buffer): 'jpg' | 'png' | 'gif' | 'webp' | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 6 && ['GIF87a', 'GIF89a'].includes(data.subarray(0, 6).toString('latin1'))) return 'gif';
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP')
    return 'webp';
  return undefined;
}

/**
 * Avatars (caregivers, patients) under DATA_DIR/uploads with random names, served at
 * PUBLIC_URL/uploads/<name>. Size and type are checked on the bytes, not the declared type.
 */
@Injectable()
export class AvatarStorage {
  constructor(private readonly config: AppConfig) {}

  async save(file: { buffer: Buffer; size: number } | undefined): Promise<string> {
    if (!file?.buffer?.length) throw new ValidationError('No file uploaded', 'NoFile');
    if (file.size > AVATAR_MAX_BYTES) throw new ValidationError('Avatar must be at most 2 MB', 'FileTooLarge');
    const ext = sniffImage(file.buffer);
    if (!ext) throw new ValidationError('Avatar must be a JPEG, PNG, GIF or WebP image', 'UnsupportedImage');
    const dir = join(this.config.dataDir, 'uploads');
    await mkdir(dir, { recursive: true });
    const name = `${randomBytes(16).toString('hex')}.${ext}`;
    await writeFile(join(dir, name), file.buffer, { mode: 0o644 });
    return `${this.config.publicUrl}/uploads/${name}`;
  }
}

/** The multipart interceptor for an `avatar` upload: one file, size-capped before it is buffered. */
export function AvatarUpload(): ReturnType<typeof FileInterceptor> {
  return FileInterceptor('avatar', { limits: { fileSize: AVATAR_MAX_BYTES, files: 1, fields: 5 } });
}

/** An avatar upload endpoint: the interceptor and its Swagger body travel together. */
export function AvatarUploadEndpoint(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(AvatarUpload()),
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['avatar'],
        properties: { avatar: { type: 'string', format: 'binary', description: 'JPEG, PNG, GIF or WebP, ≤ 2 MB' } },
      },
    }),
  );
}
