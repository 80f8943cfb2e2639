// The console's screens, in the order of its navigation: each {id (the URL's #fragment), title,
// component ({session, onError}) => markup}.
import { Live } from './live.js';

export const SCREENS = [
  { id: 'live', title: 'Live', component: Live },
];
