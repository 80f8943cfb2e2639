// The console's screens, in the order of its navigation: each {id (the URL's #fragment), title,
// component ({session, onError}) => markup}.
import { Live } from './live.js';
import { Watch } from './watch.js';
import { Recordings } from './recordings.js';
import { Callbacks } from './callbacks.js';
import { Rules } from './rules.js';
import { Relays } from './relays.js';
import { Cluster } from './cluster.js';

export const SCREENS = [
  { id: 'live', title: 'Live', component: Live },
  { id: 'watch', title: 'Watch now', component: Watch },
  { id: 'recordings', title: 'Recordings', component: Recordings },
  { id: 'callbacks', title: 'Callbacks', component: Callbacks },
  { id: 'rules', title: 'Rules', component: Rules },
  { id: 'relays', title: 'Relays', component: Relays },
  { id: 'cluster', title: 'Cluster', component: Cluster },
];
