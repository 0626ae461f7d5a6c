import { render } from 'preact';
import { App } from './app';
import './styles.css';
import './team.css';

render(<App />, document.getElementById('app')!);
