import type { dockerActions } from '@powernode/contracts';
import type { z } from 'zod';

export type ImageSummary = z.output<typeof dockerActions.imageSummary>;

/** The fields of a `GET /images/json` item we read (dockerode's ImageInfo). */
export interface ListedImage {
  Id: string;
  RepoTags?: string[] | null;
  Size: number;
  Created: number;
}

/** The fields of `GET /images/{name}/json` we read (dockerode's ImageInspectInfo). */
export interface InspectedImage {
  Id: string;
  RepoTags?: string[] | null;
  Size: number;
  Created?: string;
}

// Old daemons list untagged images as `<none>:<none>`.
const tagsOf = (tags: string[] | null | undefined) => (tags ?? []).filter((tag) => tag !== '<none>:<none>');

export function summaryOfListedImage(image: ListedImage): ImageSummary {
  return { id: image.Id, repo_tags: tagsOf(image.RepoTags), size: image.Size, created: new Date(image.Created * 1000).toISOString() };
}

export function summaryOfInspectedImage(image: InspectedImage): ImageSummary {
  return { id: image.Id, repo_tags: tagsOf(image.RepoTags), size: image.Size, ...(image.Created ? { created: new Date(image.Created).toISOString() } : {}) };
}
