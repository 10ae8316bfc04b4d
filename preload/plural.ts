/** "1 customer", "3 customers": the count with its noun, for the window and the desktop notifications alike. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${String(n)} ${n === 1 ? one : many}`;
