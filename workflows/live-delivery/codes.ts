// live-delivery: plain data the API (contract.ts) and the workflow both use. No imports, so the
// workflow bundle can take it as values.

/** Directory keys the playbook relies on (see config/directory.example.yaml). */
export const LIVE_DELIVERY_DIRECTORY = {
  /** Channel where the booking owner is tagged and the desk's updates are threaded. */
  emergencyChannel: 'bookings-emergencies',
} as const;
