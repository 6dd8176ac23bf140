import { Injectable } from '@nestjs/common';

/** The time source; tests replace it instead of faking global timers where a date is business data. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
