/**
 * What list_services and describe_service both say of a service: the same fields under the
 * same names, and upstream text cleaned and bounded the same way (docs/security.md: upstream
 * text reaches the model only as cleaned data).
 */
import { z } from 'zod';
import { stripControls } from '../sanitize-logs.js';

export const serviceSummaryShape = {
  serviceId: z.string(),
  title: z.string(),
  category: z.string().optional(),
  description: z.string().optional(),
  pricing: z.string().optional(),
};

/** Upstream text without control characters, at most `max` characters; undefined stays undefined. */
export const cleanText = (s: string | undefined, max: number): string | undefined =>
  s === undefined ? undefined : stripControls(s).slice(0, max);
