// Async boundary: lets the Module Federation runtime set up the shared React before any of it is used.
import('./bootstrap');
