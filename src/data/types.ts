/** One benchmark or task item. `answer` is the gold answer as text (LaTeX or plain). */
export interface Problem {
  id: string;
  benchmark: string;
  question: string;
  answer: string;
  meta?: Record<string, unknown>;
}
