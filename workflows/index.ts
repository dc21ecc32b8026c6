// Every playbook workflow the worker registers.
export { liveDelivery } from './live-delivery.js';
