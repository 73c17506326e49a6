import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '@handoff/platform';
import { AttachmentContent } from './attachments.entities';

/** The sealed files of every ticket, by ticket and content hash. */
@Injectable()
export class AttachmentStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Kept once: the same file again (same customer key, so the same hash) is already there. */
  async keep(file: Omit<AttachmentContent, 'storedAt'>): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(AttachmentContent)
      .values({ ...file, storedAt: this.clock() })
      .orIgnore()
      .execute();
  }

  find(ticketId: string, contentHash: string): Promise<AttachmentContent | null> {
    return this.dataSource.getRepository(AttachmentContent).findOneBy({ ticketId, contentHash });
  }
}
