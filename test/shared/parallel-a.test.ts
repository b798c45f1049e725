import { isolationSuite } from '../helpers/shared-workspace.js';

isolationSuite('a');
