import { BlockList, isIP } from "node:net"
import type { AddressRange } from "../config/AddressRange.js"

/** Whether a peer address (as the socket reports it, IPv4-mapped IPv6 included) is inside one of `ranges`. */
export const peerFilter = (ranges: ReadonlyArray<AddressRange>): ((address: string | undefined) => boolean) => {
  const allowed = new BlockList()
  for (const range of ranges) allowed.addSubnet(range.address, range.prefix, range.family)
  return (address) => {
    const version = address === undefined ? 0 : isIP(address)
    return version !== 0 && allowed.check(address!, version === 4 ? "ipv4" : "ipv6")
  }
}
