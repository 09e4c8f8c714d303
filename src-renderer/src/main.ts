// Renderer entry: connects to the engine (Electron IPC or the web bridge, api/client.ts), installs that connection
// for the stores, keeps stray file drops from replacing the page, and mounts the app with Pinia.
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { createApiClient } from './api/client';
import App from './App.vue';
import { guardFileDrops } from './lib/file-drop-guard';
import { installBackend } from './services/backend';
import './styles/app.css';

installBackend(createApiClient().connection);
guardFileDrops(window);
createApp(App).use(createPinia()).mount('#app');
