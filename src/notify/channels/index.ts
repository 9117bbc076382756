import type { ChannelDefinition } from './define-channel.js'
import email from './email.js'
import pagerduty from './pagerduty.js'
import slack from './slack.js'
import teams from './teams.js'
import webhook from './webhook.js'

/** Every channel kind, by its `kind`. */
export const CHANNEL_KINDS: ReadonlyMap<string, ChannelDefinition> = new Map(
  ([webhook, slack, teams, email, pagerduty] as unknown as ChannelDefinition[]).map((channel) => [
    channel.kind,
    channel,
  ]),
)
