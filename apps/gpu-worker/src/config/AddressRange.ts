import { isIP } from "node:net"
import { Effect } from "effect"
import { InvalidConfig } from "./InvalidConfig.js"

/** One address (`prefix` = its full length) or CIDR subnet of peers. */
export interface AddressRange {
  readonly address: string
  readonly prefix: number
  readonly family: "ipv4" | "ipv6"
}

/** The loopback peers: this host only. */
export const LOOPBACK_RANGES = "127.0.0.0/8,::1"

/** Parses a comma-separated list such as `127.0.0.0/8,::1,10.1.2.3`; every bad entry names `variable`. */
export const parseAddressRanges = (variable: string, raw: string): Effect.Effect<ReadonlyArray<AddressRange>, InvalidConfig> =>
  Effect.suspend(() => {
    const ranges: Array<AddressRange> = []
    for (const entry of raw.split(",").map((part) => part.trim()).filter((part) => part !== "")) {
      const [address = "", prefixText, ...rest] = entry.split("/")
      const version = isIP(address)
      const width = version === 4 ? 32 : 128
      const prefix = prefixText === undefined ? width : Number(prefixText)
      if (version === 0 || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > width) {
        return Effect.fail(new InvalidConfig({
          variable,
          message: `${variable} must list IP addresses or CIDR subnets separated by commas (e.g. ${LOOPBACK_RANGES}), got "${entry}"`,
        }))
      }
      ranges.push({ address, prefix, family: version === 4 ? "ipv4" : "ipv6" })
    }
    return Effect.succeed(ranges)
  })
