import { z } from 'zod';
import type { ComplaintCause } from './api/complaint-causes';

/**
 * The complaint causes a department chooses from when it reports a complaint's result, and the
 * words each is shown with. A policy (`COMPLAINT_CAUSES_FILE`) that routing checks results
 * against and evaluation reads labels from, so both say the same thing about the same code.
 * Codes are never reused for another meaning: the events keep them for ever.
 */
export interface ComplaintCauseTaxonomy {
  readonly causes: readonly ComplaintCause[];
}

/** A result reported before the taxonomy existed (a ResultReported v1): its cause was never asked for. */
export const UNCLASSIFIED_CAUSE = 'unclassified';

/** A complaint with no result yet: nobody has said what caused it. */
export const CAUSE_NOT_REPORTED = 'not_reported';

const label = z.string().trim().min(1).max(80);

export const complaintCauseTaxonomySchema = z
  .strictObject({
    causes: z
      .array(
        z.strictObject({
          code: z
            .string()
            .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lower-case letters, digits and _ (at most 40)')
            .refine((code) => code !== UNCLASSIFIED_CAUSE && code !== CAUSE_NOT_REPORTED, 'unclassified and not_reported are kept for the complaint analysis'),
          label: z.strictObject({ en: label, 'zh-CN': label }),
        }),
      )
      .min(1),
  })
  .superRefine((taxonomy, context) => {
    const seen = new Set<string>();
    taxonomy.causes.forEach((cause, index) => {
      if (seen.has(cause.code)) context.addIssue({ code: 'custom', path: ['causes', index, 'code'], message: `${cause.code} is listed twice` });
      seen.add(cause.code);
    });
  });

export const DEFAULT_COMPLAINT_CAUSES: ComplaintCauseTaxonomy = {
  causes: [
    { code: 'response_speed', label: { en: 'Response speed', 'zh-CN': '响应速度' } },
    { code: 'service_attitude', label: { en: 'Service attitude', 'zh-CN': '服务态度' } },
    { code: 'product_defect', label: { en: 'Product defect', 'zh-CN': '产品缺陷' } },
    { code: 'billing_error', label: { en: 'Billing error', 'zh-CN': '计费错误' } },
    { code: 'delivery_logistics', label: { en: 'Delivery and logistics', 'zh-CN': '配送物流' } },
    { code: 'information_error', label: { en: 'Wrong information given', 'zh-CN': '信息错误' } },
    { code: 'policy_dispute', label: { en: 'Policy dispute', 'zh-CN': '政策争议' } },
    { code: 'other', label: { en: 'Other', 'zh-CN': '其他' } },
  ],
};

export const causeCodesOf = (taxonomy: ComplaintCauseTaxonomy): string[] => taxonomy.causes.map((cause) => cause.code);

/** The words for a code; a code the taxonomy no longer lists keeps its code as its words. */
export function causeLabelOf(taxonomy: ComplaintCauseTaxonomy, code: string): ComplaintCause['label'] {
  if (code === CAUSE_NOT_REPORTED) return { en: 'No result yet', 'zh-CN': '尚无处理结果' };
  if (code === UNCLASSIFIED_CAUSE) return { en: 'Unclassified (reported before causes were asked)', 'zh-CN': '未分类（原因分类启用前的结果）' };
  return taxonomy.causes.find((cause) => cause.code === code)?.label ?? { en: code, 'zh-CN': code };
}
