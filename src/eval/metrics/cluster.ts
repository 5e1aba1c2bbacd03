/**
 * Answer clustering by equivalence (not string equality), shared by maj@k and test-time voting.
 * Answers that are the same string share a cluster without calling `equivalent`; otherwise each
 * new answer is compared with one representative per existing cluster (the first member), so the
 * cost is O(answers × clusters) calls to `equivalent`. `null` (no answer) never joins a cluster.
 */
export type Equivalence = (a: string, b: string) => boolean;

/** Returns, for each answer, its cluster id (0, 1, … in order of first appearance) or -1 for null. */
export function clusterAnswers(answers: readonly (string | null)[], equivalent: Equivalence): number[] {
  const representatives: string[] = [];
  const byText = new Map<string, number>();
  return answers.map((answer) => {
    if (answer === null) return -1;
    const known = byText.get(answer);
    if (known !== undefined) return known;
    let id = representatives.findIndex((representative) => equivalent(representative, answer));
    if (id === -1) {
      id = representatives.length;
      representatives.push(answer);
    }
    byText.set(answer, id);
    return id;
  });
}
