import { ApiProperty } from '@nestjs/swagger';

/** One live login session of the caller (S6); where it was opened from, never what was done in it. */
export class SessionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'last user-initiated request or socket event' }) lastActiveAt!: string;
  @ApiProperty({ format: 'date-time', description: 'absolute end of the session (12 h after sign-in)' }) expiresAt!: string;
  @ApiProperty({ enum: ['password', 'sso', 'invite', 'email-link', 'register'], description: 'how the session was opened' })
  method!: string;
  @ApiProperty({ nullable: true, type: String, description: 'User-Agent of the sign-in request (≤ 256 characters)' })
  userAgent!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'client IP address of the sign-in request' })
  ipAddress!: string | null;
  @ApiProperty({ description: 'true for the session of the access token making this request' }) current!: boolean;
}
