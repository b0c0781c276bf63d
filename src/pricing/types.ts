/** A model's list prices in USD per 1M tokens (standard tier). */
export interface ModelPrice {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}
