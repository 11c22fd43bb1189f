import { foldPull, initialPullState, ProgressThrottle, pullMessageError, pullProgressOf, type PullMessage } from './pull-progress.js';

const fold = (messages: PullMessage[]) => messages.reduce(foldPull, initialPullState);

describe(foldPull.name, () => {
  it('counts layers and bytes as a pull goes on', () => {
    const start: PullMessage[] = [
      { status: 'Pulling from powernode/busybox-httpd', id: 'latest' },
      { status: 'Pulling fs layer', id: 'aaa', progressDetail: {} },
      { status: 'Pulling fs layer', id: 'bbb', progressDetail: {} },
      { status: 'Already exists', id: 'ccc' },
    ];
    expect(pullProgressOf(fold(start))).toEqual({ status: 'Already exists', layers_done: 1, layers_total: 3 });

    const downloading = [...start, { status: 'Downloading', id: 'aaa', progressDetail: { current: 100, total: 1000 } }, { status: 'Downloading', id: 'bbb', progressDetail: { current: 50, total: 500 } }];
    expect(pullProgressOf(fold(downloading))).toEqual({ status: 'Downloading', layers_done: 1, layers_total: 3, bytes_current: 150, bytes_total: 1500 });

    const done = [
      ...downloading,
      { status: 'Download complete', id: 'aaa' },
      { status: 'Extracting', id: 'aaa', progressDetail: { current: 10, total: 9000 } },
      { status: 'Pull complete', id: 'aaa' },
      { status: 'Download complete', id: 'bbb' },
      { status: 'Pull complete', id: 'bbb' },
      { status: 'Digest: sha256:abc' },
      { status: 'Status: Downloaded newer image for x:latest' },
    ];
    expect(pullProgressOf(fold(done))).toEqual({ status: 'Status: Downloaded newer image for x:latest', layers_done: 3, layers_total: 3, bytes_current: 1500, bytes_total: 1500 });
  });

  it('does not change the state it folds', () => {
    const before = fold([{ status: 'Pulling fs layer', id: 'aaa' }]);
    foldPull(before, { status: 'Pull complete', id: 'aaa' });
    expect(pullProgressOf(before).layers_done).toBe(0);
  });
});

describe(pullMessageError.name, () => {
  it.each([
    'manifest for r/x:1 not found: manifest unknown: manifest unknown',
    'pull access denied for x, repository does not exist or may require \'docker login\'',
    'repository does not exist',
  ])('NotFound with the daemon’s message: %s', (message) => {
    const error = pullMessageError({ error: message, errorDetail: { message } }, 'r/x:1', 'host-1');
    expect(error?.code).toBe('NotFound');
    expect(error?.message).toBe(message);
    expect(error?.details).toEqual({ host_id: 'host-1', reference: 'r/x:1' });
  });

  it('Unavailable for other failures, nothing for progress lines', () => {
    expect(pullMessageError({ error: 'Get "https://r/v2/": dial tcp: connection refused' }, 'r/x:1', 'host-1')?.code).toBe('Unavailable');
    expect(pullMessageError({ status: 'Downloading', id: 'a' }, 'r/x:1', 'host-1')).toBeUndefined();
  });
});

describe(ProgressThrottle.name, () => {
  it('lets the first report through, then at most one per interval', () => {
    const sut = new ProgressThrottle(1000);
    expect([0, 10, 999, 1000, 1500, 2001].map((now) => sut.offer(now))).toEqual([true, false, false, true, false, true]);
  });
});
