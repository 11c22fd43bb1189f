import { PlatformError } from '@powernode/contracts';

/** True when the last path component of `image` carries a `:tag` or the reference pins a digest. */
export function hasTagOrDigest(image: string): boolean {
  if (image.includes('@')) return true;
  const lastComponent = image.slice(image.lastIndexOf('/') + 1);
  return lastComponent.includes(':');
}

/**
 * `image` + optional `tag` (the original action shape) → one reference. Without a tag the reference stays as given
 * (docker reads it as `:latest`); a tag on top of a reference that already has one (or a digest) is refused.
 */
export function imageReferenceOf(image: string, tag?: string): string {
  if (tag === undefined) return image;
  if (hasTagOrDigest(image)) {
    throw new PlatformError('InvalidInput', `image ${image} already names a tag or digest; drop tag "${tag}" or the one in image`, { image, tag });
  }
  return `${image}:${tag}`;
}
