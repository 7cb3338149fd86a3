/** A payment as its table stores it, and the shapes the repository takes to write and list it. */
import type { CardBrand, Currency, PaymentNetwork } from '../domain/networks.ts';
import type { FailureReason, PaymentStatus, TransitionSource } from '../domain/payment-status.ts';
import type { NextAction } from './collect.ts';

export interface PaymentRow {
  id: string;
  merchant_id: string;
  status: PaymentStatus;
  amount: number;
  currency: Currency;
  /** An operator, or `card` for a card payment. */
  network: PaymentNetwork;
  method: 'mobile_money' | 'card';
  card_brand: CardBrand | null;
  phone_number: string;
  description: string | null;
  customer: { first_name?: string; last_name?: string; email?: string };
  metadata: Record<string, string>;
  feexpay_reference: string | null;
  feexpay_order_id: string | null;
  payment_url: string | null;
  /** What the customer must do next (send the OTP, visit the page) while pending. */
  next_action: NextAction | null;
  failure_reason: FailureReason | null;
  status_source: TransitionSource;
  transition_detail: Record<string, unknown> | null;
  late_check_at: Date | null;
  /** false for a test key's payment: simulator only, never counted as money. */
  livemode: boolean;
  check_attempts: number;
  next_check_at: Date;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
  settled_at: Date | null;
}

export type NewPayment = Pick<PaymentRow, 'id' | 'merchant_id' | 'livemode' | 'amount' | 'currency' | 'network' | 'phone_number' | 'description' | 'customer' | 'metadata'> &
  Partial<Pick<PaymentRow, 'method' | 'card_brand'>> & { next_check_at: Date; expires_at: Date };

export interface ListFilter {
  merchantId: string;
  livemode: boolean;
  status?: PaymentStatus;
  network?: PaymentNetwork;
  createdGte?: Date;
  createdLt?: Date;
  /** Keyset position: the last row of the previous page. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** FeexPay's reference and what the customer does next, as request-to-pay answered them. */
export interface FeexPayFields {
  reference: string;
  orderId?: string;
  paymentUrl?: string;
  nextAction?: NextAction | null;
}
