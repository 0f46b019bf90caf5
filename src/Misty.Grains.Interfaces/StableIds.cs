using System.Security.Cryptography;
using System.Text;

namespace Misty.Grains.Interfaces;

/// <summary>
/// Ids derived from a name, so that a retried request, a repeated event or a schedule occurrence always reaches the same
/// grain: one order per reservation, one run per occurrence, one case per inbound email.
/// </summary>
public static class StableIds
{
    public static Guid From(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        // RFC 9562 version 8 (custom) with the RFC variant, so the id is a well-formed UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
