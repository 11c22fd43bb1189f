/** The powernode-agent version reported in its facts (bumped with each agent release). */
export const AGENT_VERSION = '0.1.0';
