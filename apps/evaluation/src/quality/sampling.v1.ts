import { seededRandom, type Channel } from '@handoff/contracts';
import type { SampleCandidate } from './sampling';

/**
 * The original draw, kept so the samples recorded with it (`SampleDrawn` without `method`) can
 * still be redrawn exactly. Not used for new samples: taking one record per agent and per channel
 * before the rate made a sample grow with the number of agents (10 % of 37 records could be 16).
 *
 * 1. The population in ticket-id order is shuffled by Fisher–Yates driven by seededRandom(seed) (mulberry32).
 * 2. For each agent (in name order) not yet represented, the first record in the shuffled order
 *    that is theirs, preferring one whose channel is not represented yet; then for each channel not
 *    yet represented, the first record in the shuffled order with that channel.
 * 3. The rest, up to ceil(rate × population), is the next records in the shuffled order.
 */
export function drawCoveringSample(
  population: readonly SampleCandidate[],
  rate: number,
  seed: number,
): { targetSize: number; ticketIds: string[]; agents: string[]; channels: Channel[] } {
  const ordered = [...population].sort((a, b) => compare(a.ticketId, b.ticketId));
  const random = seededRandom(seed);
  for (let i = ordered.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ordered[i], ordered[j]] = [ordered[j]!, ordered[i]!];
  }
  const agents = [...new Set(ordered.flatMap((candidate) => candidate.agents))].sort(compare);
  const channels = [...new Set(ordered.flatMap((candidate) => (candidate.channel ? [candidate.channel] : [])))].sort(compare);

  const chosen: SampleCandidate[] = [];
  const agentsIn = new Set<string>();
  const channelsIn = new Set<Channel>();
  const take = (candidate: SampleCandidate | undefined) => {
    if (!candidate || chosen.includes(candidate)) return;
    chosen.push(candidate);
    for (const agent of candidate.agents) agentsIn.add(agent);
    if (candidate.channel) channelsIn.add(candidate.channel);
  };
  for (const agent of agents) {
    if (agentsIn.has(agent)) continue;
    const theirs = ordered.filter((candidate) => candidate.agents.includes(agent));
    take(theirs.find((candidate) => candidate.channel !== null && !channelsIn.has(candidate.channel)) ?? theirs[0]);
  }
  for (const channel of channels) {
    if (!channelsIn.has(channel)) take(ordered.find((candidate) => candidate.channel === channel));
  }
  const targetSize = Math.min(ordered.length, Math.ceil(rate * ordered.length - 1e-9));
  for (const candidate of ordered) {
    if (chosen.length >= targetSize) break;
    take(candidate);
  }
  return { targetSize, ticketIds: chosen.map((candidate) => candidate.ticketId), agents, channels };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
