import type { TrackingEvent } from './db/schema.ts';

/**
 * VNPost-style tracking entries. Where VNPost's tracking shows a UPU EMS event code we use it
 * (EMA posted/accepted, EMC left the office, EMG arrived at the delivery office, EMH delivery not
 * completed, EMI delivered); the steps without a UPU code use short Vietnamese codes. Descriptions
 * are in Vietnamese, as VNPost shows them.
 */
export const TRACKING_STEPS = {
  PACKAGE_CREATED: { code: 'TAO_BUU_GUI', text: (po: string) => `Đã tạo bưu gửi; người bán sẽ gửi hàng tại ${po}` },
  ACCEPTED: { code: 'EMA', text: (po: string) => `${po} đã nhận bưu gửi` },
  DEPARTED: { code: 'EMC', text: (po: string) => `Bưu gửi đã rời ${po}` },
  ARRIVED_FOR_PICKUP: { code: 'EMG', text: (po: string) => `Bưu gửi đã đến ${po}, chờ người nhận đến lấy` },
  OUT_FOR_DELIVERY: { code: 'EMG', text: (po: string) => `Bưu gửi đã đến ${po}, bưu tá đang đi phát` },
  DELIVERED: { code: 'EMI', text: () => 'Phát thành công cho người nhận' },
  PICKED_UP: { code: 'EMI', text: (po: string) => `Người nhận đã nhận hàng tại ${po}` },
  DELIVERY_FAILED: { code: 'EMH', text: () => 'Phát không thành công: người nhận vắng nhà, không liên lạc được' },
  RETURNING: { code: 'CHUYEN_HOAN', text: () => 'Bưu gửi đang được chuyển hoàn về người gửi' },
  RETURNED: { code: 'DA_HOAN', text: (po: string) => `Đã chuyển hoàn cho người gửi tại ${po}` },
  COD_REMITTED: { code: 'DA_TRA_COD', text: () => 'Đã trả tiền thu hộ (COD) cho người bán' },
} as const;

export type TrackingStep = keyof typeof TRACKING_STEPS;

export function trackingEvent(step: TrackingStep, postOffice: { code: string; name: string } | null, timeS: number): TrackingEvent {
  const s = TRACKING_STEPS[step];
  return { time: timeS, vnpost_code: s.code, description: s.text(postOffice?.name ?? 'bưu cục'), post_office_code: postOffice?.code ?? null };
}
